// Deadlines fire on time through the real relay and worker, exactly once.
// On a three-master Redis Cluster (test/workers/helpers/cluster.ts).
import t from 'tap'
import { firingSuite } from '../workers/suites/firing.js'

firingSuite(t, 'cluster')
