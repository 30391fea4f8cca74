/**
 * The QQ rules: {@link io.parley.feature.qqgroup.internal.QqGroupRule} answers the groups bundle's questions,
 * the handlers serve types 64..70, and {@link io.parley.feature.qqgroup.internal.QqGroups} keeps roles, mutes,
 * settings and join requests in the attribute store under the namespace "qq".
 */
package io.parley.feature.qqgroup.internal;
