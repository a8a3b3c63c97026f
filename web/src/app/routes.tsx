// The app's routes. Each face (arbiter, seller, buyer) is its own folder under faces/,
// loaded on demand, with its own routes below /<face>/. The server's SPA fallback serves
// index.html for exactly these first segments (src/http/web-app.ts, CLIENT_ROUTES).
import { createBrowserRouter, type RouteObject } from 'react-router'
import { DevSignInPage } from '../auth/DevSignInPage'
import { RequireRole, RoleHome } from '../auth/RequireRole'
import { SignedOutPage } from '../auth/SignedOutPage'
import type { Role } from '../auth/token'
import { Loading } from '../ui/states'
import { NotFoundPage } from './NotFoundPage'

const faces: Record<Role, () => Promise<{ Face: () => React.JSX.Element }>> = {
  arbiter: () => import('../faces/arbiter/Face'),
  seller: () => import('../faces/seller/Face'),
  buyer: () => import('../faces/buyer/Face'),
}

const faceRoute = (role: Role): RouteObject => ({
  path: `/${role}/*`,
  HydrateFallback: Loading,
  lazy: async () => {
    const { Face } = await faces[role]()
    return {
      Component: () => (
        <RequireRole role={role}>
          <Face />
        </RequireRole>
      ),
    }
  },
})

export const routes: RouteObject[] = [
  { path: '/', element: <RoleHome /> },
  { path: '/signed-out', element: <SignedOutPage /> },
  { path: '/sign-in', element: <DevSignInPage /> },
  faceRoute('arbiter'),
  faceRoute('seller'),
  faceRoute('buyer'),
  { path: '*', element: <NotFoundPage /> },
]

export const createRouter = () => createBrowserRouter(routes)
