/** Which procedures a family needs: the catalogue's rules over one intake (server/okuyami/plan.py). */
import { ruleOf } from "./catalogue.js";
import { UNKNOWN, evaluate } from "./rules.js";

/** {municipal, external, to_confirm}: procedures in catalogue order; to_confirm when the rule is unknown. */
export function makePlan(intake, catalogue, ruleMode) {
  if (!catalogue.rule_modes.includes(ruleMode)) {
    throw new RangeError(`unknown rule mode '${ruleMode}'; use one of ${catalogue.rule_modes.join(", ")}`);
  }
  const lists = { municipal: [], external: [], to_confirm: [] };
  for (const procedure of catalogue.procedures) {
    const truth = evaluate(ruleOf(procedure, ruleMode), intake.values);
    if (truth === UNKNOWN) lists.to_confirm.push(procedure);
    else if (truth) lists[procedure.scope].push(procedure);
  }
  return lists;
}

/** The plan as the command line prints it: sorted procedure ids per list. */
export function planIds(plan) {
  const ids = (list) => list.map((p) => p.id).sort();
  return { municipal: ids(plan.municipal), external: ids(plan.external), to_confirm: ids(plan.to_confirm) };
}
