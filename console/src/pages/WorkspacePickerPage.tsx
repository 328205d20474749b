import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Card, Typography } from 'antd';
import { AppstoreFilled, RightOutlined } from '@ant-design/icons';
import { workspaceLabel } from '../components/WorkspaceSwitcher';
import { switchWorkspace } from '../endpoints';
import { ReauthProvider } from '../reauth';
import { useStepUp } from '../step-up';
import type { Session, WorkspaceRef } from '../types';
import { byRecentUse, rememberWorkspace } from '../workspace-memory';

/** After the password, for an account in several workspaces: which one to work in (this browser's last first). */
export function WorkspacePickerPage({ session, onPicked }: { session: Session; onPicked: () => void }) {
  return (
    <ReauthProvider>
      <Picker session={session} onPicked={onPicked} />
    </ReauthProvider>
  );
}

function Picker({ session, onPicked }: { session: Session; onPicked: () => void }) {
  const { t } = useTranslation();
  const workspaces = byRecentUse(session.workspaces);
  useEffect(() => {
    document.title = t('tenant.picker.page_title');
  }, [t]);
  const chosen = useRef<WorkspaceRef>(undefined);
  const stepUp = useStepUp(() => {
    if (chosen.current) rememberWorkspace(chosen.current.id);
    onPicked();
  });

  const pick = (workspace: WorkspaceRef) => {
    chosen.current = workspace;
    if (workspace.id === session.workspace.id) {
      rememberWorkspace(workspace.id);
      onPicked();
    } else {
      void stepUp.start(() => switchWorkspace(workspace.id), t('tenant.picker.open', { workspace: workspace.name }));
    }
  };

  return (
    <main className="login-page picker-page">
      <div className="login-main">
        <div style={{ width: '100%', maxWidth: 480 }}>
          <Card className="login-card" variant="borderless" style={{ boxShadow: '0 12px 40px rgba(16, 42, 122, 0.10)' }}>
            <div className="brand card-brand" style={{ marginBottom: 24 }}>
              <span className="brand-mark">
                <AppstoreFilled aria-hidden />
              </span>
              {t('common.product')}
            </div>
            <Typography.Title level={1} style={{ fontSize: 24, marginBottom: 6 }}>
              {t('tenant.picker.title')}
            </Typography.Title>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 20 }}>
              {t('tenant.picker.intro', { name: session.account.name, number: workspaces.length })}
            </Typography.Paragraph>
            <ul className="workspace-list" aria-label={t('tenant.picker.workspaces')}>
              {workspaces.map((workspace) => (
                <li key={workspace.id}>
                  <Button block size="large" className="workspace-choice" onClick={() => pick(workspace)}>
                    {workspaceLabel(workspace)}
                    <RightOutlined aria-hidden />
                  </Button>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
      {stepUp.element}
    </main>
  );
}
