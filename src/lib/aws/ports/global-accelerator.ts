import type {Mutation} from './mutation.js'

export interface Accelerator {
  arn: string
  name: string
  enabled: boolean
  /** `IN_PROGRESS` while a change is deployed, then `DEPLOYED`. */
  status: string
}

export interface EndpointGroup {
  arn: string
  /** The Region its endpoints are in. */
  region: string
  /** 0–100: the share of the traffic that would go to this Region that it gets. */
  trafficDialPercentage: number
  endpoints: {id: string; weight?: number; healthState?: string}[]
}

/** Global Accelerator: every call goes to its control plane in us-west-2. */
export interface GlobalAcceleratorPort {
  /** Every accelerator of the account, all pages. */
  listAccelerators(): Promise<Accelerator[]>
  /** The endpoint groups of each of an accelerator's listeners, by listener ARN, all pages. */
  listEndpointGroups(acceleratorArn: string): Promise<{listenerArn: string; groups: EndpointGroup[]}[]>
  /** `undefined` when the accelerator does not exist. */
  describeAccelerator(arn: string): Promise<Accelerator | undefined>
  /** `undefined` when the endpoint group does not exist. */
  describeEndpointGroup(arn: string): Promise<EndpointGroup | undefined>
  /** Changes the traffic dial only: everything else of the group (endpoints, health checks) stays as it is. */
  setTrafficDial(endpointGroupArn: string, percentage: number): Promise<Mutation & {group: EndpointGroup}>
}
