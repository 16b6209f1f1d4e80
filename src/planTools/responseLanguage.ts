import { responseLanguageSetting } from '../store/taskmasterConfig';
import type { PlanTool } from './planTool';
import { quoted } from './toolArguments';

type ResponseLanguageInput = { language?: string };

export const responseLanguage: PlanTool<ResponseLanguageInput> = {
  name: 'response-language',
  title: 'Response language',
  description:
    'Read or set the language Task Master writes tasks in: `global.responseLanguage` of .taskmaster/config.json (e.g. "English", ' +
    '"Deutsch"). Without `language` it only reads. Returns the language now set.',
  inputSchema: {
    type: 'object',
    properties: { language: { type: 'string', minLength: 1, pattern: '\\S', description: 'The language to write in, e.g. "English".' } },
    additionalProperties: false,
  },
  mutates: true,
  describeCall: (input) => (input.language === undefined ? 'Read the response language' : `Set the response language to ${quoted(input.language)}`),
  run: (input, context) => responseLanguageSetting(context.projectRoot, input.language),
};
