/** The four steps Secrets Manager invokes, in order. */
const Step = {
  CreateSecret: 'createSecret',
  SetSecret: 'setSecret',
  TestSecret: 'testSecret',
  FinishSecret: 'finishSecret',
} as const;
type StepName = (typeof Step)[keyof typeof Step];
const STEPS: readonly StepName[] = Object.values(Step);

/** The staging labels rotation moves. */
const Stage = {
  Current: 'AWSCURRENT',
  Pending: 'AWSPENDING',
  Previous: 'AWSPREVIOUS',
} as const;
type StageName = (typeof Stage)[keyof typeof Stage];

export { STEPS, Stage, Step };
export type { StageName, StepName };
