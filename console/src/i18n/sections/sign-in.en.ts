/**
 * English texts of the sign-in screens (a section of en.ts; see en.ts for the conventions).
 * Tags for `<Trans>`: `<strong>`, `<a>` (never `<link>`: Trans reads it as the empty HTML element and drops the words).
 */
export const signInEn = {
  back_to_log_in: 'Back to log in',
  copy: 'Copy',
  /** The code entry of one sign-in method (ChallengeCodeForm). */
  code_form: {
    intro_totp: 'Open your authenticator app and enter the 6-digit code shown for Mini Program Platform.',
    intro_email: 'Send a verification code to your email address, then enter it below.',
    intro_recovery_code: 'Enter one of the recovery codes you saved when you turned on two-factor authentication. Each code works once.',
    recovery_code_placeholder: 'xxxx-xxxx-xxxx-xxxx',
    verify: 'Verify',
  },
  /** The emailed code asked before an authenticator or a passkey is set up during login. */
  enrollment: {
    email_first_totp: 'First confirm it is you with a code sent to your email address; then set up your authenticator app.',
    email_first_passkey: 'First confirm it is you with a code sent to your email address; then add a passkey or security key.',
  },
  second_factor: {
    title: 'Two-factor authentication',
    title_totp_enrollment: 'Set up two-factor authentication',
    reason_super_app: '{{superApp}} requires two-factor authentication for its workspaces.',
    reason_account: 'Your account has two-factor authentication turned on.',
    signing_in_to_workspace: 'Signing in to the {{workspace}} workspace.',
    verifying_to_manage: 'Verifying to manage {{superApp}}.',
    use_another_method: 'Use another method',
    other_methods: 'Other verification methods',
    cancel: 'Cancel',
    close: 'Close',
    sign_in_again: 'Sign in again',
    /** Under the step, ticking each second (`time`: m:ss); at zero the step says the attempt expired. */
    expires_in: 'This sign-in attempt expires in {{time}}.',
    expires_in_step_up: 'This verification expires in {{time}}.',
    /** Said once by screen readers when a minute or less is left. */
    expires_soon: 'This sign-in attempt expires in less than a minute.',
    expires_soon_step_up: 'This verification expires in less than a minute.',
  },
  remember_browser: {
    label_one: "Don't ask again on this browser for {{count}} day",
    label_other: "Don't ask again on this browser for {{count}} days",
    hint: 'Only on a browser you alone use. Changing your password or two-factor settings, or forgetting this browser in Settings, ends it.',
  },
  passkey_sign_in: {
    intro: 'Use a passkey or security key you added to this account. Your browser asks which one, and for your fingerprint, face, PIN or a touch of the key.',
    use: 'Use passkey or security key',
  },
  passkey_enrollment: {
    intro_super_app:
      '{{superApp}} asks for a passkey or security key. Add one now: your browser asks where to keep it (this device, your phone, or a security key).',
    intro: 'A passkey or security key is required. Add one now: your browser asks where to keep it (this device, your phone, or a security key).',
    name: 'Name',
    /** The name given to a passkey whose name field was left empty. */
    default_name: 'Passkey',
    add: 'Add passkey or security key',
  },
  recovery_codes: {
    title: 'Save your recovery codes now',
    description: 'If you lose your phone, each code lets you sign in once. They will not be shown again.',
    list_label: 'Recovery codes',
    download: 'Download',
    saved: 'I have saved my recovery codes',
    done: 'Done',
    copied: 'Recovery codes copied',
    copy_failed: 'Copying failed; select the codes and copy them by hand.',
    /** The lines of the downloaded file. */
    file_title: 'Mini Program Platform recovery codes',
    file_account: 'Account: {{email}}',
    file_generated: 'Generated: {{time}}',
    file_use: 'Each code signs you in once if you lose your authenticator app.',
    file_keep: 'Keep them somewhere safe; generating new codes invalidates these.',
  },
  secret_reveal: {
    trigger: "Can't scan the QR code?",
    hint: 'Enter this key in your authenticator app (time-based):',
    copy_key: 'Copy key',
    copied: 'Key copied',
    copy_failed: 'Copying failed; select the key and copy it by hand.',
  },
  send_code: {
    send: 'Send code',
    resend: 'Resend code',
    resend_countdown: 'Resend code ({{seconds}}s)',
    sent: 'We sent a 6-digit code to <strong>{{address}}</strong>. It is valid for 10 minutes.',
    will_send: 'We will email a 6-digit code to <strong>{{address}}</strong>.',
    your_email: 'your email address',
  },
  totp_setup: {
    qr_label: 'QR code with your authenticator key',
    key_label: 'Account: {{account}} · Issuer: {{issuer}}',
    install: '1. Install Google Authenticator',
    install_hint: 'Or any authenticator app that supports time-based codes.',
    /** Google Authenticator's pages in the two stores (opened in a new tab). */
    get_app: 'Get an authenticator app: <appstore>App Store</appstore> · <googleplay>Google Play</googleplay>',
    scan: '2. Scan the QR code',
    scan_hint: 'In the app, tap + and choose to scan a QR code. On this phone? <a>Open in your authenticator app</a>',
    enter_code: '3. Enter the 6-digit code',
    enter_code_hint: 'Type the code the app shows for Mini Program Platform.',
    submit: 'Verify and Activate',
    /** Under the QR code, ticking each second (`time`: m:ss). */
    expires_in: 'This QR code works for {{time}} more.',
    /** Said once by screen readers when a minute or less is left. */
    expires_soon: 'This QR code works for less than a minute more.',
    /** The key lapsed while the sign-in attempt lives on (enrolment during login). */
    expired_title: 'This QR code expired',
    expired_description: 'Get a new one to go on. If you already scanned this one, remove its entry from your authenticator app.',
    get_new_key: 'Get a new QR code',
  },
  forgot_password: {
    title: 'Reset your password',
    intro:
      'Enter the email address of your account and we will send it a link to choose a new password. If your account has two-factor authentication, you will also need your authenticator app or a recovery code.',
    send_link: 'Send link',
  },
  new_password: {
    label: 'New password',
    /** The password policy (src/domain/password-policy.ts) in the words shown under every new-password field. */
    policy_hint: 'At least 8 characters; 15 or more is better. Avoid common passwords. Spaces and any characters are fine.',
  },
  method_choice: {
    label: 'Verification method',
  },
  reset_password: {
    page_title: 'Reset password · Mini Program Platform',
    ask_again: 'Ask for a new link',
    done_description: 'Every session of your account was signed out, and every browser that signed in before will count as a new one.',
    go_to_login: 'Go to the login page',
    title: 'Choose a new password',
    intro_passkey:
      'Your account has two-factor authentication: confirm it is you with one of your passkeys or security keys, or a recovery code, with the new password.',
    intro_code: 'Your account has two-factor authentication: enter a code from your authenticator app, or one of your recovery codes, with the new password.',
    intro_plain: 'After the reset, every session of your account is signed out and you sign in with the new password.',
    submit: 'Reset password',
  },
} as const;
