"""Public statistics -> tidy data files a definition can use: the DfE's children's social
care tables for every English local authority (`dfe/`, `dfe_per_authority`) and NHS England's A&E
monthly files (`nhs_ae`). Read as untrusted input, like any data.
"""
