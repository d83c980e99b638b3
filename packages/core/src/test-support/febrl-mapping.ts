/**
 * An FtM mapping of the FEBRL benchmark files (one Person per row, keyed by `rec_id`), for the
 * tests and benchmarks that import them the way a user would.
 */
export const FEBRL_MAPPING = `
febrl:
  queries:
    - entities:
        person:
          schema: Person
          keys: [rec_id]
          properties:
            name: { columns: [given_name, surname], join: " " }
            firstName: { column: given_name }
            lastName: { column: surname }
            birthDate: { column: date_of_birth, format: "%Y%m%d" }
            idNumber: { column: soc_sec_id }
            address: { columns: [street_number, address_1, address_2, suburb, state, postcode], join: " " }
`;
