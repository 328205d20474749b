import { useTranslation } from 'react-i18next';
import { Button, Dropdown, type MenuProps } from 'antd';
import { DownOutlined, SwapOutlined } from '@ant-design/icons';
import { switchWorkspace } from '../endpoints';
import { t as translate } from '../i18n';
import { useStepUp } from '../step-up';
import type { Session, WorkspaceRef } from '../types';
import { byRecentUse } from '../workspace-memory';

export function workspaceLabel(workspace: WorkspaceRef) {
  return (
    <span className="workspace-option">
      <strong>{workspace.name}</strong>
      <span className="workspace-option-meta">
        {workspace.superApp.name} · {translate(workspace.role === 'admin' ? 'tenant.role.admin' : 'tenant.role.developer')}
      </span>
    </span>
  );
}

/** Header: the current workspace and super app; with several workspaces, a menu to switch. */
export function WorkspaceSwitcher({ session, onSwitched }: { session: Session; onSwitched: () => void }) {
  const { t } = useTranslation();
  const others = byRecentUse(session.workspaces).filter((candidate) => candidate.id !== session.workspace.id);
  const stepUp = useStepUp(onSwitched);
  const title = (
    <>
      <strong>{session.workspace.name}</strong>
      <span className="header-super-app">{session.workspace.superApp.name}</span>
    </>
  );
  if (others.length === 0) return <div className="shell-header-title">{title}</div>;

  const items: MenuProps['items'] = [
    {
      key: 'switch',
      type: 'group',
      label: t('tenant.switcher.switch_workspace'),
      children: others.map((workspace) => ({ key: workspace.id, label: workspaceLabel(workspace) })),
    },
  ];
  const onClick: MenuProps['onClick'] = ({ key }) => {
    const target = others.find((candidate) => candidate.id === key);
    if (target) void stepUp.start(() => switchWorkspace(target.id), t('tenant.switcher.switch_to', { workspace: target.name }));
  };

  return (
    <div className="shell-header-title">
      <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomLeft" autoFocus>
        <Button type="text" className="workspace-button">
          <span className="sr-only">{t('tenant.switcher.switch_workspace_label')}</span>
          <SwapOutlined aria-hidden />
          {title}
          <DownOutlined aria-hidden style={{ fontSize: 11 }} />
        </Button>
      </Dropdown>
      {stepUp.element}
    </div>
  );
}
