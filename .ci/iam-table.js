// Writes the README's IAM actions table from the built declarations (dist/lib/iam/table.js): part of `npm run readme`.
import {readFileSync, writeFileSync} from 'node:fs'

import {withIamActionsTable} from '../dist/lib/iam/table.js'

const path = new URL('../README.md', import.meta.url)
writeFileSync(path, withIamActionsTable(readFileSync(path, 'utf8')))
