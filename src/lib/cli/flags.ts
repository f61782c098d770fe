import {Args, Flags} from '@oclif/core'

import type {DrctlConfig} from '../config/schema.js'
import {closest} from '../config/suggest.js'
import {parseDuration} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'

/**
 * A duration flag's value in milliseconds (`30s`, `5m`, `1500ms`); anything else is a usage error that shows the
 * form. `positive` also refuses zero.
 */
export function durationFlag(flag: string, text: string, example: string, options: {positive?: boolean} = {}): number {
  const ms = parseDuration(text)
  if (ms === undefined || (options.positive && ms <= 0)) {
    throw new DrctlError('DRCTL_USAGE', `${flag} ${text} is not a duration (try ${example})`)
  }
  return ms
}

/**
 * The shape of an AWS Region name: an area (us, eu, ap, us-gov, us-isob, eusc-de, …), a direction and a number.
 * Regions opened after this list was written keep the shape, so the shape decides and the list only suggests.
 */
const REGION_NAME = /^[a-z]{2,4}(-[a-z]{2,4})?-(central|north|south|(north|south)?(east|west))-\d{1,2}$/

/** AWS Regions (commercial, GovCloud, China), for "did you mean". */
export const AWS_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
] as const

/** `text` as a Region name, or a usage error (exit 2) that names `label` and the closest AWS Region. */
export function parseRegion(label: string, text: string): string {
  if (REGION_NAME.test(text)) return text
  const suggestion = closest(text, AWS_REGIONS)
  throw new DrctlError(
    'DRCTL_USAGE',
    `${label} ${text} is not an AWS Region name${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    {hints: ['AWS Region names look like us-east-1, eu-west-2 or ap-southeast-2']},
  )
}

/** A Region that must be one of the topology's, or a usage error (exit 2) that names the closest of them. */
export function topologyRegion(config: DrctlConfig, label: string, region: string): string {
  if (config.regions.includes(region)) return region
  const suggestion = closest(region, config.regions)
  throw new DrctlError(
    'DRCTL_USAGE',
    `${label} ${region} is not a Region of ${config.name}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    {hints: [`the Regions of ${config.name}: ${config.regions.join(', ')}`]},
  )
}

/** Every flag that takes a Region: a mistyped one is a usage error before anything runs. */
export const regionFlag = Flags.custom<string>({
  helpValue: 'REGION',
  parse: async (input, _command, flag) => parseRegion(`--${flag.name}`, input),
})

/** A comma-separated list of Regions, each checked as by regionFlag. */
export const regionListFlag = Flags.custom<string>({
  helpValue: 'REGION,...',
  parse: async (input, _command, flag) =>
    input
      .split(',')
      .map((region) => region.trim())
      .filter(Boolean)
      .map((region) => parseRegion(`--${flag.name}`, region))
      .join(','),
})

/** Every argument that is a Region, checked as by regionFlag. */
export const regionArg = Args.custom<string>({
  parse: async (input, _command, arg) => parseRegion(arg.name.toUpperCase(), input),
})
