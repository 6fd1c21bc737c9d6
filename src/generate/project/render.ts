// Renders templates/project/* with handlebars. Templates hold the fixed files of a generated
// project; the data they get is plain and already escaped for where it lands (noEscape: we write
// code and Markdown, not HTML).
import Handlebars from 'handlebars';
import { templateText } from './sources.js';

const compiled = new Map<string, HandlebarsTemplateDelegate>();

export function render(name: string, data: object = {}): string {
  let template = compiled.get(name);
  if (template === undefined) {
    template = Handlebars.compile(templateText(name), { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(data);
}
