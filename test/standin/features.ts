// The stand-in's choices for what materialize-newest-features.md leaves open (§10), and Materialize's feature
// flags. Set per stand-in through StandinOptions.features; README.md lists them.
export interface StandinFeatures {
  /** `enable_glue_schema_registry`: off by default in Materialize (glue_schema_registry.slt). */
  glueSchemaRegistry: boolean;
  /** `enable_kafka_broker_matching_rules`: a region feature; on here, as the TF suite's latest image suggests (§3.3). */
  kafkaBrokerMatchingRules: boolean;
  /** §10.1: whether ALTER of a Glue connection's options is accepted ('accept', the addendum's default) or refused. */
  glueAlter: 'accept' | 'refuse';
  /**
   * `STORAGE PROVIDER` (v26.43) is unknown to the parser package (26.41) the grammar gate uses. 'newest' accepts it
   * (v26.43 and later); 'parser-26.41' leaves it a parse error, as that parser has it.
   */
  storageProviderGrammar: 'newest' | 'parser-26.41';
  /**
   * How create_sql and SHOW CREATE order the options. 'extraction' (default): the field order of
   * `generate_extracted_config!(ConnectionOption, ...)` in connection.rs, which the planned statement is rebuilt in:
   * alphabetical except the late additions (SESSION TOKEN, CATALOG TYPE, URL, USER, WAREHOUSE), so an Iceberg
   * connection shows `CREDENTIAL, CATALOG TYPE, URL, WAREHOUSE` (storage-provider.td @c71c8e6f). 'sorted' (by
   * name, as storage-provider.td @a8310eb1 shows it) or as 'written'.
   */
  optionOrder: 'extraction' | 'sorted' | 'written';
}

export const DEFAULT_FEATURES: StandinFeatures = {
  glueSchemaRegistry: false,
  kafkaBrokerMatchingRules: true,
  glueAlter: 'accept',
  storageProviderGrammar: 'newest',
  optionOrder: 'extraction',
};
