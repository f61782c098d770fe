import type {ServiceReader} from './service-reader.js'
import {declared, readsOnly} from '../../aws/iam-calls.js'

/** The FIS experiment states in which an experiment acts or may still act. */
export const ACTIVE_EXPERIMENT = new Set(['pending', 'initiating', 'running', 'stopping'])

export const chaosReader: ServiceReader<'chaos', 'chaos'> = {
  part: 'chaos',
  calls: readsOnly([declared('FIS', 'ListExperiments')]),
  unread: {chaos: undefined},
  async read({aws, reader, regions}) {
    const reads = await Promise.all(
      regions.map(async (region) => ({
        region,
        read: await reader.read('fis', region, () => aws.fis(region).listExperiments()),
      })),
    )
    return {
      chaos: {
        running: reads.flatMap(({region, read}) =>
          read.ok
            ? read.value
                .filter((experiment) => ACTIVE_EXPERIMENT.has(experiment.status))
                .map((experiment) => ({...experiment, region}))
            : [],
        ),
        unreadable: reads.flatMap(({region, read}) => (read.ok ? [] : [{region, reason: read.error}])),
      },
    }
  },
}
