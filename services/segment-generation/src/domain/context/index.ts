export { AREAS, COUNTRIES, continentOf, countryName } from './countries.js';
export { type ContextInterpretation, interpretContext, type UnderstoodPhrase } from './interpret.js';
export { type DeclaredAudience, targetAudienceRule } from './target-audience.js';
export { type ContextVocabulary, contextVocabulary, type NumericSpread } from './vocabulary.js';
