// A reminder goes out once before a deadline: a system message in the claim's
// thread and a deadline.reminder outbox row.
// The same suite runs on a Redis Cluster in test/cluster/.
import t from 'tap'
import { remindersSuite } from './suites/reminders.js'

remindersSuite(t, 'single')
