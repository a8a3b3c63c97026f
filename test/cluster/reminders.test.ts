// A reminder goes out once before a deadline: a system message in the claim's
// thread and a deadline.reminder outbox row.
// On a three-master Redis Cluster (test/workers/helpers/cluster.ts).
import t from 'tap'
import { remindersSuite } from '../workers/suites/reminders.js'

remindersSuite(t, 'cluster')
