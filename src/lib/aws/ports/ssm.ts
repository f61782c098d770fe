import type {Mutation} from './mutation.js'

export interface SsmParameter {
  name: string
  value: string
  type: string
  version: number
}

/** SSM Parameter Store, in one Region (parameters are Regional: a DR flag is written in every Region that reads it). */
export interface SsmPort {
  readonly region: string
  /** Every parameter under `path` (recursively; `/` for every hierarchical name), all pages, SecureStrings encrypted. */
  listParameters(path: string): Promise<SsmParameter[]>
  /** `undefined` when the parameter does not exist. */
  getParameter(name: string): Promise<SsmParameter | undefined>
  /** Creates or overwrites (Overwrite: true); the new version comes back. */
  putParameter(input: {
    name: string
    value: string
    type: 'String' | 'StringList'
  }): Promise<Mutation & {version: number}>
}
