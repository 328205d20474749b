import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Form, InputNumber, Modal, Select, Switch } from 'antd';
import { saveTwoFactorPolicy } from '../endpoints';
import { METHOD_LABELS } from '../labels';
import { describeProblem } from '../phrases';
import { useReauth } from '../reauth';
import type { FactorMethod, NamedRef, TwoFactorPolicy } from '../types';

const NONE = 'none';
type SecondaryChoice = FactorMethod | typeof NONE;

interface PolicyFormValues {
  required: boolean;
  primaryMethod: FactorMethod;
  secondaryMethod: SecondaryChoice;
  allowDeactivation: boolean;
  rememberDeviceDays: number;
}

/** The most days a browser may be remembered (the server refuses more). */
const MAX_REMEMBER_DEVICE_DAYS = 30;

interface PolicyEditDialogProps {
  superApp: NamedRef;
  policy: TwoFactorPolicy;
  onSaved: () => void;
  onClosed: () => void;
}

const FACTOR_METHODS: FactorMethod[] = ['totp', 'email'];

/** Tenant → Edit: the super app's 2FA policy as a form; Save sends PUT. */
export default function PolicyEditDialog({ superApp, policy, onSaved, onClosed }: PolicyEditDialogProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PolicyFormValues>();
  const withReauth = useReauth();
  const [open, setOpen] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const primary = Form.useWatch('primaryMethod', form) ?? policy.primaryMethod;

  const save = async (values: PolicyFormValues) => {
    setBusy(true);
    setError(undefined);
    const secondary = values.secondaryMethod === NONE || values.secondaryMethod === values.primaryMethod ? null : values.secondaryMethod;
    try {
      await withReauth(() => saveTwoFactorPolicy(superApp.id, { ...values, secondaryMethod: secondary }));
      void message.success(t('tenant.policy_edit.saved', { superApp: superApp.name }));
      onSaved();
      setOpen(false);
    } catch (failure) {
      setError(describeProblem(failure, 'save_policy'));
    } finally {
      setBusy(false);
    }
  };

  // The secondary method is a fallback, so it can never be the primary one.
  const onValuesChange = (changed: Partial<PolicyFormValues>) => {
    if (changed.primaryMethod && form.getFieldValue('secondaryMethod') === changed.primaryMethod) {
      form.setFieldValue('secondaryMethod', NONE);
    }
    // Requiring 2FA starts by asking every time; the admin may then allow remembering.
    if (changed.required === true && !policy.required) form.setFieldValue('rememberDeviceDays', 0);
  };

  return (
    <Modal
      open={open}
      title={t('tenant.policy_edit.title', { superApp: superApp.name })}
      width={560}
      okText={t('tenant.policy_edit.save')}
      onOk={() => form.submit()}
      confirmLoading={busy}
      onCancel={() => setOpen(false)}
      afterClose={onClosed}
      maskClosable={false}
      destroyOnHidden
    >
      <Form
        form={form}
        name="two-factor-policy"
        layout="vertical"
        onFinish={save}
        onValuesChange={onValuesChange}
        requiredMark={false}
        initialValues={{ ...policy, secondaryMethod: policy.secondaryMethod ?? NONE }}
      >
        <Form.Item name="required" label={t('tenant.policy_edit.required')} valuePropName="checked" extra={t('tenant.policy_edit.required_help')}>
          <Switch />
        </Form.Item>
        <Form.Item name="primaryMethod" label={t('tenant.policy_edit.primary_method')}>
          <Select options={FACTOR_METHODS.map((value) => ({ value, label: METHOD_LABELS[value] }))} />
        </Form.Item>
        <Form.Item name="secondaryMethod" label={t('tenant.policy_edit.secondary_method')} extra={t('tenant.policy_edit.secondary_method_help')}>
          <Select
            options={[
              { value: NONE, label: t('common.none') },
              ...FACTOR_METHODS.map((value) => ({ value, label: METHOD_LABELS[value], disabled: value === primary })),
            ]}
          />
        </Form.Item>
        <Form.Item name="allowDeactivation" label={t('tenant.policy_edit.allow_deactivation')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item
          name="rememberDeviceDays"
          label={t('tenant.policy_edit.remember_days')}
          extra={t('tenant.policy_edit.remember_days_help')}
          rules={[
            {
              required: true,
              type: 'integer',
              min: 0,
              max: MAX_REMEMBER_DEVICE_DAYS,
              message: t('tenant.policy_edit.remember_days_invalid', { max: MAX_REMEMBER_DEVICE_DAYS }),
            },
          ]}
        >
          <InputNumber min={0} max={MAX_REMEMBER_DEVICE_DAYS} precision={0} style={{ width: 120 }} aria-label={t('tenant.policy_edit.remember_days_label')} />
        </Form.Item>
        <Alert type="info" showIcon message={t('tenant.policy_edit.email_weaker')} />
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 16 }} />}
      </Form>
    </Modal>
  );
}
