// A worker process killed with SIGKILL in the middle of a deadline job: the
// job's lock lapses, another worker process retries it, the claim escalates once.
// On a three-master Redis Cluster (test/workers/helpers/cluster.ts).
import t from 'tap'
import { crashSuite } from '../workers/suites/crash.js'

crashSuite(t, 'cluster')
