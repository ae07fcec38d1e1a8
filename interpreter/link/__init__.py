"""Stage 2, parsed → linked: one program per contract, with the bodies it extends, its
renames and a deal's documents joined.
"""
