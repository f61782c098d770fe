import type {StackView} from '../views.js'
import type {ServiceReader} from './service-reader.js'
import {declared, readsOnly} from '../../aws/iam-calls.js'

export const stacksReader: ServiceReader<'stacks', 'stacks'> = {
  part: 'stacks',
  calls: readsOnly([declared('CloudFormation', 'DescribeStacks', 'stacks')]),
  unread: {stacks: []},
  async read({config, aws, reader}) {
    const wanted = Object.entries(config.stacks).flatMap(([region, names]) => names.map((name) => ({region, name})))
    const stacks = await Promise.all(
      wanted.map(async ({region, name}): Promise<StackView> => {
        const read = await reader.read('cloudformation', region, () => aws.cloudformation(region).describeStack(name))
        if (!read.ok) return {region, name, found: false, unreadable: read.error}
        if (!read.value) return {region, name, found: false}
        return {region, name, found: true, status: read.value.status, statusReason: read.value.statusReason}
      }),
    )
    return {stacks}
  },
}
