import {isGroup, type PlanItem, type Step} from '../../src/lib/runbook/types.js'

/** Every step of a plan, groups flattened, in order. */
export function stepsOf(items: PlanItem[]): Step[] {
  return items.flatMap((item) => (isGroup(item) ? item.parallel : [item]))
}
