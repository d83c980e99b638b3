export { model, getSchema, getProperty, findProperty, propertiesOf, isSchema, propertyGroup, commonSchema } from './ftm.js';
