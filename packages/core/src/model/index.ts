export { model, getSchema, getProperty, isSchema, propertyGroup, commonSchema } from './ftm.js';
