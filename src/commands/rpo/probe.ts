import {Args} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {renderRpoProbe} from '../../lib/cli/render-rpo.js'
import {probeFailure, probeRpo} from '../../lib/runbooks/rpo-probe.js'

export default class RpoProbe extends BaseCommand<typeof RpoProbe> {
  static override summary = 'Measure RPO from the heartbeat table: now, and for the latest unplanned failover.'
  static override description = `Needs the rpo section of drctl.yaml (rpo: {heartbeatTable, heartbeatColumn?, secretArn?}): a table the application appends a row to every second or so, read through the RDS Data API (no network path into the VPC).

Now: on each global cluster's writer, the newest heartbeat (are writes arriving?) and Aurora's own RPO lag of each secondary (aurora_global_db_status on Aurora PostgreSQL, information_schema.aurora_global_db_status on Aurora MySQL): the writes a secondary would lose if the writer failed now. A secondary's own heartbeats cannot be read: the Data API refuses a global database's secondaries.

For the latest unplanned failover (or RUN): the newest heartbeat in its new primary written before the failover, beside what the failover itself measured: the old primary's writes after that heartbeat are lost; drctl reconcile measures exactly what was lost from the old primary's copy. Reads only.

Exits 5 when nothing at all could be measured (every read failed), 0 otherwise; what could not be read is a warning line (--json: problems).

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox',
    '<%= config.bin %> <%= command.id %> 20261206-080000-failover-unplanned-retail-ab12 --json',
  ]
  static override args = {
    run: Args.string({description: 'The unplanned failover run to measure (see drctl runs list); default the latest.'}),
  }

  async run() {
    const {config} = await this.loadConfig()
    const aws = await this.awsSession(config, {readOnly: true})
    const probe = await probeRpo(config, aws, {
      home: this.home(),
      topologyKey: this.topologyKey(config),
      runId: this.args.run,
      emit: this.progress().listener,
    })
    this.progress().stop()
    this.out(renderRpoProbe(probe, this.style))
    const failure = probeFailure(probe)
    if (failure) throw failure
    return probe
  }
}
