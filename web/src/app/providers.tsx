// Everything a page relies on: the theme, the query cache, notifications, texts.
import { createTheme, MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useEffect, useState, type ReactNode } from 'react'
import { I18nextProvider } from 'react-i18next'
import { revokePhotoUrlsOnRemoval } from '../api/hooks/photos'
import { ApiProblem } from '../api/problem'
import i18n from '../i18n'

// Shade 9 for filled surfaces keeps white text above the 4.5:1 contrast axe asks for.
const theme = createTheme({ primaryColor: 'blue', primaryShade: 9, defaultRadius: 'sm' })

function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again; a network failure might.
        retry: (count, error) =>
          !(error instanceof ApiProblem && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: true,
        staleTime: 5_000,
      },
    },
    mutationCache: new MutationCache(),
  })
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient)
  useEffect(() => revokePhotoUrlsOnRemoval(client), [client])
  return (
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme}>
        <Notifications position="top-right" />
        <QueryClientProvider client={client}>{children}</QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>
  )
}
