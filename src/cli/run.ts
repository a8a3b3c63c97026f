// Known start-up failures print one line and exit 1; anything else keeps its stack.
import { ConfigError } from '../config/config.js'
import { PreflightError } from './preflight.js'

export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PreflightError) {
      console.error(`claimdesk: ${err.message}`)
      process.exit(1)
    }
    throw err
  }
}
