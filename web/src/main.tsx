// Start-up: take the handed-over token out of the address bar before anything renders,
// then mount the app.
import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import './ui/app.css'
import './i18n'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { RouterProvider } from 'react-router'
import { Providers } from './app/providers'
import { createRouter } from './app/routes'
import { session } from './auth/session'

session.restore(window.location, window.history)

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <Providers>
      <RouterProvider router={createRouter()} />
    </Providers>
  </StrictMode>,
)
