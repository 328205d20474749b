import { useTranslation } from 'react-i18next';
import { Checkbox, Typography } from 'antd';

interface RememberBrowserCheckboxProps {
  /** The challenge's `rememberDeviceDays` (the login's super app allows this many; 0: nothing is shown). */
  days: number;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}

/**
 * "Don't ask again on this browser for N days" at a login's second-factor step: verify then
 * sends `rememberDevice: true`. Shown only where the super app's policy allows remembering.
 */
export function RememberBrowserCheckbox({ days, checked, onChange, disabled }: RememberBrowserCheckboxProps) {
  const { t } = useTranslation();
  if (days < 1) return null;
  return (
    <div className="remember-browser" style={{ marginTop: 16 }}>
      <Checkbox checked={checked} disabled={disabled} onChange={(event) => onChange(event.target.checked)}>
        {t('sign_in.remember_browser.label', { count: days })}
      </Checkbox>
      <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0 24px', fontSize: 12 }}>
        {t('sign_in.remember_browser.hint')}
      </Typography.Paragraph>
    </div>
  );
}
