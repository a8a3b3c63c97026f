// FLUSHALL on every master of a Redis Cluster with deadlines pending: the
// sweeper re-creates what the cluster forgot, nothing fires twice.
import t from 'tap'
import { flushSuite } from '../workers/suites/flush.js'

flushSuite(t, 'cluster')
