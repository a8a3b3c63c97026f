// i18next with the browser's language on the first visit, then the one the person chose
// (kept in localStorage). The <html lang> follows, for screen readers and axe.
import i18n from 'i18next'
import LanguageDetector from 'i18next-browser-languagedetector'
import { initReactI18next } from 'react-i18next'
import { en } from './en'
import { ru } from './ru'
import { sellerEn } from './seller.en'
import { sellerRu } from './seller.ru'

export const LANGUAGES = ['en', 'ru'] as const
export type Language = (typeof LANGUAGES)[number]

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: {
      en: { translation: { ...en, seller: sellerEn } },
      ru: { translation: { ...ru, seller: sellerRu } },
    },
    supportedLngs: LANGUAGES,
    nonExplicitSupportedLngs: true,
    fallbackLng: 'en',
    load: 'languageOnly',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: 'claimdesk.language',
      caches: ['localStorage'],
    },
    returnNull: false,
  })

const syncHtmlLang = (lng: string) => document.documentElement.setAttribute('lang', lng.slice(0, 2))
syncHtmlLang(i18n.resolvedLanguage ?? 'en')
i18n.on('languageChanged', syncHtmlLang)

/** The language in effect (en or ru), for Intl formatting. */
export const currentLanguage = (): Language => (i18n.resolvedLanguage === 'ru' ? 'ru' : 'en')

export default i18n
