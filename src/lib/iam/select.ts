import {closest} from '../config/suggest.js'
import {DrctlError} from '../core/errors.js'
import {quote} from '../core/quote.js'
import {COMMAND_IDS, COMMAND_NEEDS, type IamRole} from './needs.js'

/**
 * The commands a policy is for: those named (all by default), of one role when `role` is given. An unknown name is a
 * usage error with the nearest command; `failover` and `routing:set` are accepted as typed either way.
 */
export function selectCommands(names: string[] | undefined, role: IamRole | undefined): string[] {
  const wanted = (names ?? []).flatMap((name) => name.split(',')).map((name) => name.trim().replaceAll(':', ' '))
  for (const name of wanted) {
    if (Object.hasOwn(COMMAND_NEEDS, name)) continue
    const suggestion = closest(name, COMMAND_IDS)
    throw new DrctlError(
      'DRCTL_USAGE',
      `unknown command ${quote(name)}${suggestion ? ` (did you mean ${quote(suggestion)}?)` : ''}`,
      {hints: [`commands that call AWS: ${COMMAND_IDS.join(', ')}`]},
    )
  }
  const chosen = wanted.length > 0 ? COMMAND_IDS.filter((id) => wanted.includes(id)) : COMMAND_IDS
  return role ? chosen.filter((id) => COMMAND_NEEDS[id]?.role === role) : chosen
}
