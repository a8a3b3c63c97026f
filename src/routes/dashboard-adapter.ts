// bull-board's Fastify adapter, changed for a Redis that is down or hangs:
// every API call is bounded in time, and a failure to reach Redis goes on to
// the app's error handler (a 503 problem) instead of bull-board's own 500.
import type { AppControllerRoute, ControllerHandlerReturnType } from '@bull-board/api/typings/app'
import { FastifyAdapter } from '@bull-board/fastify'
import { isUnavailable } from '../http/problem.js'
import { withTimeout } from '../shared/timeout.js'

export class BoundedFastifyAdapter extends FastifyAdapter {
  constructor(private readonly callTimeoutMs: number) {
    super()
  }

  override setApiRoutes(routes: AppControllerRoute[]): FastifyAdapter {
    return super.setApiRoutes(
      routes.map((route) => ({
        ...route,
        handler: (request) =>
          withTimeout(
            Promise.resolve(route.handler(request)),
            this.callTimeoutMs,
            `queue dashboard ${String(route.route)}`,
          ),
      })),
    )
  }

  override setErrorHandler(handler: (error: Error) => ControllerHandlerReturnType): this {
    // Fastify hands an error thrown by a scope's error handler to the parent scope's handler.
    return super.setErrorHandler((error) => {
      if (isUnavailable(error)) throw error
      return handler(error)
    })
  }
}
