import { createContext, useContext } from 'react';
import type { Language } from './i18n';
import type { ThemeChoice } from './theme';

/** The reader's language and theme, and how the account menu changes them. */
export interface Preferences {
  language: Language;
  chooseLanguage: (language: Language, signedIn: boolean) => void;
  theme: ThemeChoice;
  chooseTheme: (choice: ThemeChoice) => void;
}

export const PreferencesContext = createContext<Preferences | undefined>(undefined);

export function usePreferences(): Preferences {
  const preferences = useContext(PreferencesContext);
  if (!preferences) throw new Error('usePreferences outside <App>');
  return preferences;
}
