// The SSM Parameter Store slice of the sandbox world.

export type ParameterType = 'String' | 'StringList' | 'SecureString'

/** A parameter in one Region (parameters are Regional: the same name in two Regions is two parameters). */
export interface ParameterRecord {
  name: string
  region: string
  type: ParameterType
  /** The plaintext value (a SecureString's too: the sandbox has no KMS; reads without decryption get a stand-in). */
  value: string
  /** 1 when created; every PutParameter with Overwrite adds one. */
  version: number
  lastModified: number
  dataType: string
  description?: string
  /** The KMS key of a SecureString. */
  keyId?: string
}

export interface SsmState {
  parameters: ParameterRecord[]
}
