import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { saveLocale } from '../endpoints';
import { en } from './en';
import { zhCN } from './zh-CN';

/** The console's languages: English (the source of truth) and Simplified Chinese. */
export type Language = 'en' | 'zh-CN';
export const LANGUAGES: readonly Language[] = ['en', 'zh-CN'];

const STORAGE_KEY = 'mpp.language';

function stored(): Language | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' || value === 'zh-CN' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The language remembered in this browser, else the browser's first: zh* → zh-CN, anything else → en. */
export function detectLanguage(): Language {
  const remembered = stored();
  if (remembered) return remembered;
  const first = (navigator.languages?.[0] ?? navigator.language ?? 'en').toLowerCase();
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: detectLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

document.documentElement.lang = i18next.language;
i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

/** The current language. */
export const currentLanguage = (): Language => (i18next.language === 'zh-CN' ? 'zh-CN' : 'en');

/**
 * Switches the language, remembers it in this browser, and tells the server when signed in
 * (fire-and-forget: a failure, such as a server without the endpoint yet, changes nothing here).
 */
export function chooseLanguage(language: Language, signedIn: boolean): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode without storage: the choice lasts for this page.
  }
  void i18next.changeLanguage(language);
  if (signedIn) saveLocale(language).catch(() => undefined);
}

/** Translate outside React (labels, phrases); components use `useTranslation()`. */
export const t = i18next.t.bind(i18next);
export { i18next };
