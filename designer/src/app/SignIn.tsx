/** Asks for an access token when the browser has none (Chinese first). */
import { useState } from 'react';
import { useI18n } from '../i18n';
import { LangSwitch } from './Header';

export function SignIn({ error, onSignIn }: { error: string | null; onSignIn(token: string): void }) {
  const { t } = useI18n();
  const [token, setToken] = useState('');
  return (
    <div className="gz-signin" data-testid="signin">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) onSignIn(token.trim());
        }}
      >
        <div className="gz-row gz-spread">
          <h1>{t('appName')}</h1>
          <LangSwitch />
        </div>
        <h2>{t('signInTitle')}</h2>
        <p className="gz-muted">{t('signInHelp')}</p>
        {error && (
          <div className="gz-error" data-testid="signin-error">
            {error}
          </div>
        )}
        <label className="gz-field">
          <span className="gz-field-label">{t('token')}</span>
          <input
            type="password"
            value={token}
            data-testid="signin-token"
            autoFocus
            onChange={(e) => setToken(e.target.value)}
          />
        </label>
        <button type="submit" className="gz-primary" data-testid="signin-submit">
          {t('signIn')}
        </button>
      </form>
    </div>
  );
}
