// Materialize CONNECTION and SECRET objects, their USAGE privileges, the IAM role of AWS connections and SSH bastion keys.
package materializeconnections
