/** A GraphQL enum object from a list of codes (the codes are the values): `registerEnumType(asEnum(CODES), …)`. */
export const asEnum = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
