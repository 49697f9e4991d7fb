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
  /** §10.5 / §11 (§5.6): SHOW CREATE and create_sql list options sorted by name ('sorted') or as written. */
  optionOrder: 'sorted' | 'written';
}

export const DEFAULT_FEATURES: StandinFeatures = {
  glueSchemaRegistry: false,
  kafkaBrokerMatchingRules: true,
  glueAlter: 'accept',
  storageProviderGrammar: 'newest',
  optionOrder: 'sorted',
};
