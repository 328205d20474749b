import { useId, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, Popover } from 'antd';
import { CopyOutlined } from '@ant-design/icons';
import { copyText } from '../clipboard';
import { groupSecret } from '../labels';

/**
 * "Can't scan the QR code?": reveals the time-based key on hover and on keyboard focus.
 * The popover lives inside this element so Tab moves from the trigger to its Copy button.
 */
export function SecretReveal({ secret }: { secret: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  // Escape returns focus to the trigger; that focus must not reopen what Escape closed.
  const returningFocusRef = useRef(false);
  // What Escape dismissed stays dismissed while the pointer rests on the trigger or the
  // key (WCAG 1.4.13): hover may show it again only once the pointer enters anew.
  const dismissedRef = useRef(false);
  const contentId = useId();
  const plainSecret = secret.replace(/\s+/g, '');

  const focusInside = () => !!wrapperRef.current?.contains(document.activeElement);
  const onOpenChange = (next: boolean) => {
    if (!next && focusInside()) return;
    if (next && dismissedRef.current) return;
    setOpen(next);
  };
  // Focus arriving from outside is a new request to see the key, even after an Escape.
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    if (returningFocusRef.current) return;
    if (!wrapperRef.current?.contains(event.relatedTarget as Node | null)) dismissedRef.current = false;
    if (!dismissedRef.current) setOpen(true);
  };
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    if (!wrapperRef.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      dismissedRef.current = true;
      setOpen(false);
      returningFocusRef.current = true;
      triggerRef.current?.focus();
      returningFocusRef.current = false;
    }
  };
  const rearm = () => {
    dismissedRef.current = false;
  };
  // Enter, Space or a click shows the key again after Escape hid it.
  const show = () => {
    dismissedRef.current = false;
    setOpen(true);
  };
  const onCopy = async () => {
    if (await copyText(plainSecret)) void message.success(t('sign_in.secret_reveal.copied'));
    else void message.error(t('sign_in.secret_reveal.copy_failed'));
  };

  const content = (
    <div id={contentId} className="secret-content">
      <div className="field-hint" style={{ marginTop: 0, marginBottom: 6 }}>
        {t('sign_in.secret_reveal.hint')}
      </div>
      <div data-testid="totp-secret" className="totp-secret mono">
        {groupSecret(plainSecret)}
      </div>
      <Button size="small" icon={<CopyOutlined />} onClick={onCopy} aria-label={t('sign_in.secret_reveal.copy_key')}>
        {t('sign_in.copy')}
      </Button>
    </div>
  );

  return (
    <div ref={wrapperRef} className="secret-reveal" onFocus={onFocus} onBlur={onBlur} onKeyDown={onKeyDown} onMouseEnter={rearm} onMouseLeave={rearm}>
      <Popover
        open={open}
        onOpenChange={onOpenChange}
        trigger="hover"
        placement="bottom"
        content={content}
        getPopupContainer={() => wrapperRef.current ?? document.body}
      >
        <Button ref={triggerRef} type="link" onClick={show} aria-expanded={open} aria-controls={open ? contentId : undefined}>
          {t('sign_in.secret_reveal.trigger')}
        </Button>
      </Popover>
    </div>
  );
}
