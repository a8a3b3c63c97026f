// Deadlines fire on time through the real relay and worker, exactly once.
// The same suite runs on a Redis Cluster in test/cluster/.
import t from 'tap'
import { firingSuite } from './suites/firing.js'

firingSuite(t, 'single')
