import type {CallerIdentity} from '../../aws/ports.js'
import type {Read} from '../region-reader.js'
import type {ServiceReader} from './service-reader.js'

export const identityReader: ServiceReader<'identity', 'identity' | 'identityError'> = {
  part: 'identity',
  // GetCallerIdentity needs no permission.
  calls: {reads: [], writes: []},
  unread: {identity: undefined, identityError: undefined},
  async read({aws, reader, regions}) {
    let last: Read<CallerIdentity> = {ok: false, error: {kind: 'excluded', message: 'no Region to ask'}}
    // STS answers the same everywhere: try the Regions in order until one answers.
    for (const region of regions) {
      last = await reader.read('sts', region, () => aws.sts(region).getCallerIdentity())
      if (last.ok) break
    }
    return last.ok ? {identity: last.value, identityError: undefined} : {identity: undefined, identityError: last.error}
  },
}
