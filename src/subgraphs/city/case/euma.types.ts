import { DateResolver } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class ConfirmWorkingAllianceInput {
  @Field(() => ID) caseId: string;
  @Field(() => String, {
    description: 'The case manager from now on: your pseudonymous reference (letters, digits, - _ .; no names)',
  })
  workerRef: string;
  @Field(() => DateResolver, { description: 'The day the working alliance (Arbeitsbündnis) was signed' })
  allianceSignedOn: string;
}
