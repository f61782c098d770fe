import {DrctlError} from '../core/errors.js'
import {quote} from '../core/quote.js'
import {closest} from './suggest.js'

/**
 * The shape of an AWS Region name: an area of 2–4 letters (us, eu, ap, il, mx, cn, eusc, …), in partitions apart from
 * the commercial one a second part (gov, iso, isob, isoe, isof, de, …), a direction, and a number:
 * us-east-1, us-gov-west-1, us-isob-east-1, eu-isoe-west-1, eusc-de-east-1, cn-northwest-1. Regions that open after
 * the list below was written keep this shape, so the shape decides what a Region name is and the list only
 * suggests and warns.
 */
const REGION_NAME = /^[a-z]{2,4}(-[a-z]{2,4})?-(central|north|south|(north|south)?(east|west))-[1-9]\d?$/

/** The AWS Regions of every partition (commercial, China, GovCloud, ISO, European Sovereign Cloud). */
export const KNOWN_REGIONS = [
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
  'eu-isoe-west-1',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eusc-de-east-1',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isob-west-1',
  'us-isof-east-1',
  'us-isof-south-1',
  'us-west-1',
  'us-west-2',
] as const

const known = new Set<string>(KNOWN_REGIONS)

export const isRegionName = (text: string): boolean => REGION_NAME.test(text)

export const isKnownRegion = (text: string): boolean => known.has(text)

/**
 * The closest Region to a mistyped one among `candidates` (every known Region by default), counting only known
 * Regions: a suggestion must never point a correct name at a misspelled one.
 */
export function suggestRegion(text: string, candidates: readonly string[] = KNOWN_REGIONS): string | undefined {
  return closest(text, candidates.filter(isKnownRegion))
}

/** Why a Region-shaped name that is not a known Region deserves a warning (a typo, or a Region newer than drctl). */
export function unknownRegionConcern(region: string): string | undefined {
  if (!isRegionName(region) || isKnownRegion(region)) return undefined
  const suggestion = suggestRegion(region)
  return `${quote(region)} is not an AWS Region drctl knows${suggestion ? ` (did you mean ${quote(suggestion)}?)` : ''}; kept, in case it is newer than drctl`
}

/**
 * `region` when it is one of the topology's Regions; else a usage error (exit 2) naming `label` and the closest of
 * them. When the topology lists a name that is not a known Region close to the one asked for, the hint points there.
 */
export function topologyRegion(
  topology: {name: string; regions: readonly string[]},
  label: string,
  region: string,
): string {
  if (topology.regions.includes(region)) return region
  const suggestion = suggestRegion(region, topology.regions)
  const misspelled = isKnownRegion(region)
    ? topology.regions.find((listed) => !isKnownRegion(listed) && closest(listed, [region]))
    : undefined
  throw new DrctlError(
    'DRCTL_USAGE',
    `${label} ${quote(region)} is not a Region of ${topology.name}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    {
      hints: [
        `the Regions of ${topology.name}: ${topology.regions.join(', ')}`,
        ...(misspelled
          ? [`drctl.yaml lists ${misspelled}, which is not a known AWS Region: did you mean ${region} there?`]
          : []),
      ],
    },
  )
}
