"""Tessel's ``nki.collectives``: names only. Collective operations across NeuronCores are not
simulated (neither does AWS's simulator); a kernel that calls one fails in Tessel with a located
error."""

from tessel import _api

_api.install_functions(globals(), __name__, "ncc", """
all_reduce all_gather all_gather_v reduce_scatter all_to_all all_to_all_v collective_permute
collective_permute_implicit collective_permute_implicit_reduce
collective_permute_implicit_current_processing_rank_id rank_id
""".split())


class ReplicaGroup:
    """A group of ranks taking part in a collective (a kernel argument; Tessel does not simulate
    collectives)."""

    def __init__(self, *groups):
        self.groups = groups
