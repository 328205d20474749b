import { Button, Dropdown, type MenuProps } from 'antd';
import { DownOutlined, SwapOutlined } from '@ant-design/icons';
import { switchWorkspace } from '../endpoints';
import { useStepUp } from '../step-up';
import type { Session, WorkspaceRef } from '../types';
import { byRecentUse } from '../workspace-memory';

export function workspaceLabel(workspace: WorkspaceRef) {
  return (
    <span className="workspace-option">
      <strong>{workspace.name}</strong>
      <span className="workspace-option-meta">
        {workspace.superApp.name} · {workspace.role === 'admin' ? 'Admin' : 'Developer'}
      </span>
    </span>
  );
}

/** Header: the current workspace and super app; with several workspaces, a menu to switch. */
export function WorkspaceSwitcher({ session, onSwitched }: { session: Session; onSwitched: () => void }) {
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
      label: 'Switch workspace',
      children: others.map((workspace) => ({ key: workspace.id, label: workspaceLabel(workspace) })),
    },
  ];
  const onClick: MenuProps['onClick'] = ({ key }) => {
    const target = others.find((candidate) => candidate.id === key);
    if (target) void stepUp.start(() => switchWorkspace(target.id), `Switch to ${target.name}`);
  };

  return (
    <div className="shell-header-title">
      <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomLeft" autoFocus>
        <Button type="text" className="workspace-button">
          <span className="sr-only">Switch workspace:</span>
          <SwapOutlined aria-hidden />
          {title}
          <DownOutlined aria-hidden style={{ fontSize: 11 }} />
        </Button>
      </Dropdown>
      {stepUp.element}
    </div>
  );
}
