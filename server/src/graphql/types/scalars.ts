import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { builder } from '../builder.js';

builder.scalarType('DateTime', {
  description: 'An ISO-8601 timestamp.',
  serialize: (d) => (d instanceof Date ? d.toISOString() : new Date(d as string).toISOString()),
  parseValue: (v) => {
    const d = new Date(String(v));
    if (Number.isNaN(d.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string');
    return d;
  },
});

builder.scalarType('JSON', {
  description: 'Arbitrary JSON: free-form values such as tool arguments and outputs, and `Event.dataJson`.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: function parse(node: ValueNode): unknown {
    switch (node.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return node.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((f) => [f.name.value, parse(f.value)]));
      case Kind.LIST:
        return node.values.map(parse);
      default:
        return null;
    }
  },
});
