import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Radio } from 'antd';
import { METHOD_LABELS } from '../labels';
import type { ChallengeMethod } from '../types';

interface MethodChoiceProps<M extends ChallengeMethod> {
  methods: readonly M[];
  value: M;
  onChange: (method: M) => void;
  disabled?: boolean;
  /** Space below, in pixels (the dialogs' rhythm differs). */
  marginBottom?: number;
}

/** "Verification method": one button per way of proving identity, labelled as everywhere in the console. */
export function MethodChoice<M extends ChallengeMethod>({ methods, value, onChange, disabled, marginBottom = 16 }: MethodChoiceProps<M>) {
  const { t } = useTranslation();
  const labelId = useId();
  return (
    <div className="field" style={{ marginBottom }}>
      <span id={labelId} className="field-label">
        {t('sign_in.method_choice.label')}
      </span>
      <div role="radiogroup" aria-labelledby={labelId}>
        <Radio.Group value={value} optionType="button" disabled={disabled} onChange={(event) => onChange(event.target.value as M)}>
          {methods.map((candidate) => (
            <Radio.Button key={candidate} value={candidate}>
              {METHOD_LABELS[candidate]}
            </Radio.Button>
          ))}
        </Radio.Group>
      </div>
    </div>
  );
}
