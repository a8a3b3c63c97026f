// A worker process killed with SIGKILL in the middle of a deadline job: the
// job's lock lapses, another worker process retries it, the claim escalates once.
// The same suite runs on a Redis Cluster in test/cluster/.
import t from 'tap'
import { crashSuite } from './suites/crash.js'

crashSuite(t, 'single')
