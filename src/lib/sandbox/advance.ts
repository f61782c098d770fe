import {buildWorld, DEFAULT_SCENARIO} from './scenario.js'
import type {DueEvent} from './services/context.js'
import {SERVICES} from './services/simulated-services.js'
import {readWorld, withWorld} from './store.js'
import {DEFAULT_TIME_SCALE} from './time.js'
import type {World} from './world.js'

/** More than any world can have due at once; a guard against a transition that keeps rescheduling itself. */
const MAX_EVENTS = 10_000

function dueEvents(world: World, now: number): DueEvent[] {
  return Object.values(SERVICES).flatMap((service) => service.dueEvents?.(world, now) ?? [])
}

/**
 * Brings the world up to `now`: applies every transition that has come due, the earliest first, each at its own
 * time (one may schedule the next). Called whenever the world is loaded, so progress never needs a running process.
 * FIS experiments are read off their timeline; only a stop condition's alarm changes it here.
 */
export function advance(world: World, now: number): void {
  for (let applied = 0; applied < MAX_EVENTS; applied++) {
    const events = dueEvents(world, now)
    if (events.length === 0) return
    events.sort((a, b) => a.at - b.at)
    ;(events[0] as DueEvent).apply()
  }
}

/** Runs `fn` with exclusive access to the world of `home`, brought up to `now` (a default world if there is none). */
export function withWorldAt<T>(home: string, now: number, fn: (world: World) => T): Promise<T> {
  return withWorld(
    home,
    {prepare: (world) => advance(world, now), create: () => buildWorld(DEFAULT_SCENARIO, DEFAULT_TIME_SCALE, now)},
    fn,
  )
}

/**
 * Runs `fn` on a snapshot of the world of `home` brought up to `now`, without the lock and without saving: what came
 * due is a function of the world and the time, so the next locked access applies the same. Reads never queue behind
 * writes (a status of 100 global clusters makes hundreds of reads at once). `undefined` when there is no world yet.
 */
export async function readWorldAt<T>(home: string, now: number, fn: (world: World) => T): Promise<T | undefined> {
  const world = await readWorld(home)
  if (!world) return undefined
  advance(world, now)
  return fn(world)
}
