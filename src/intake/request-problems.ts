import type { IdDocument, RequestFields, RequestProblem } from './intake-result';

/** What a request still lacks, from its fields and every document received for it so far. */
export function requestProblems(fields: RequestFields, documents: Pick<IdDocument, 'valid'>[], dateWasAmbiguous: boolean): RequestProblem[] {
  const problems: RequestProblem[] = [];
  if (fields.username === null) problems.push('missing_username');
  if (fields.registrationDate === null) problems.push(dateWasAmbiguous ? 'ambiguous_registration_date' : 'missing_registration_date');
  if (fields.reason === null) problems.push('missing_reason');
  if (documents.length === 0) problems.push('missing_id_document');
  else if (!documents.some((document) => document.valid)) problems.push('invalid_id_document');
  return problems;
}
